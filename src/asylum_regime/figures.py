"""Figures, drawn once per language from the same data.

Each ``plot_*`` function takes tidy data and a language's labels and returns a
matplotlib Figure drawn with seaborn (its axes-level functions, and its objects
interface for the stacked areas); ``save_figure`` writes it as SVG (HTML, PDF) and
PNG (DOCX) with fixed metadata, so rebuilds give identical bytes.

Every figure is drawn as wide as the PDF's text (``TEXT_WIDTH``) and printed at
1:1, in the body's typeface (Libertinus Serif, vendored with paperkit), with no
text smaller than ``SMALLEST`` points. What a figure writes beneath its plot (the
source, the key of its numbered lines, the abbreviations it uses) is wrapped to
the figure's width and given room of its own, so nothing overlaps.

Colours come from seaborn's "colorblind" palette, in an order (``colours``) that keeps
a figure's categories apart for readers with deuteranopia or protanopia: the build
checks it (paperkit.colours, registry: ``figure_colours``).

matplotlib and seaborn are imported when a figure is drawn, not when this module is:
only the drawing jobs pay for them.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from asylum_regime.descriptives import OTHER
from asylum_regime.estimates import month_start
from paperkit.figures import register_fonts
from paperkit.languages import Language

if TYPE_CHECKING:
    from matplotlib.figure import Figure

# The order in which the figures take the colours of seaborn's "colorblind" palette (its
# indices): any first seven of them are at least 10 apart in CAM02-UCS with normal vision
# and under simulated deuteranopia and protanopia (paperkit.colours). The palette's own
# order puts its green third, which protanopia brings within 6 of its brown (sixth).
PALETTE = "colorblind"
PALETTE_ORDER = (0, 1, 9, 3, 4, 5, 7, 2, 6, 8)

# The PDF's text width in inches: A4 (paperkit's pandoc/defaults/typst.yaml) less the 1.25 in
# side margins of Pandoc's Typst template. Figures are this wide and are included at
# the full text width, so 1 pt in a figure is 1 pt on paper.
TEXT_WIDTH = 210 / 25.4 - 2 * 1.25

# Type sizes in points, on paper (figures print at 1:1). As Libertinus has a small
# x-height, nothing is under 8 pt (notes), and every tick label, the rows beneath the
# specification curves included, is 9 pt: at 7.5 pt those rows could not be read in
# print (referee, December 2026).
SMALLEST = 8.0
NOTE = 8.0  # sources, keys, annotations
TICK = 9.0
LABEL = 9.5

# The look of every figure (registry: figure_style); the SVG settings make the bytes
# independent of the machine (stable ids, glyphs as paths).
STYLE = {
    "svg.hashsalt": "eu-turkiye-asylum-regime",  # stable element ids in SVG output
    "svg.fonttype": "path",  # glyphs as paths: same look without the fonts installed
    "font.family": "Libertinus Serif",  # the PDF body's face; covers ı İ ş ğ ç ö ü − × – ≥
    "mathtext.fontset": "custom",
    "mathtext.rm": "Libertinus Serif",
    "mathtext.it": "Libertinus Serif:italic",
    "mathtext.bf": "Libertinus Serif:bold",
    "font.size": LABEL,
    "axes.labelsize": LABEL,
    "xtick.labelsize": TICK,
    "ytick.labelsize": TICK,
    "legend.fontsize": TICK,
    "figure.titlesize": LABEL,
    "figure.figsize": (TEXT_WIDTH, 3.4),
    "axes.spines.top": False,
    "axes.spines.right": False,
}

# The room between the plot and what is written beneath it, and around it (inches).
_GAP = 0.06
_PAD = 3 / 72


def _seaborn():
    """seaborn, its objects interface loaded too, imported without scipy.stats.

    seaborn imports scipy.stats only for gaussian_kde, which no figure here draws, and
    that import costs more than seaborn itself (about 0.9 of its 1.4 CPU s in every
    drawing job; issue 21 measures the cold build against matplotlib alone). Held back
    while seaborn loads, scipy.stats leaves seaborn on its vendored KDE; importing it
    afterwards works as before.
    """
    if "seaborn.objects" not in sys.modules and "scipy.stats" not in sys.modules:
        sys.modules["scipy.stats"] = None  # an import of it raises ImportError
        try:
            import seaborn.objects  # seaborn and its _stats with it
        finally:
            del sys.modules["scipy.stats"]
    import seaborn.objects  # binds seaborn, with seaborn.objects loaded

    return seaborn


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


@contextmanager
def _drawing() -> Iterator:
    """seaborn and matplotlib's pyplot, with the vendored fonts registered and STYLE in
    force (seaborn's axes-level functions draw with the rc settings in force)."""
    plt = _pyplot()
    sns = _seaborn()
    register_fonts()
    with plt.rc_context(STYLE):
        yield sns, plt


def colours(count: int) -> list[str]:
    """``count`` colours of the palette, in PALETTE_ORDER (repeating it past its ten)."""
    palette = _seaborn().color_palette(PALETTE, len(PALETTE_ORDER)).as_hex()
    return [palette[PALETTE_ORDER[i % len(PALETTE_ORDER)]] for i in range(count)]


def localised_axis(lang: Language, kind: str = "decimal", digits: int = 1, scale: float = 1.0):
    """A tick formatter that writes numbers the way ``lang`` does."""
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda value, _pos: lang.format(value / scale, kind, digits))


def ratio_ticks(low: float, high: float) -> list[float]:
    """Ticks for a ratio on a log axis between ``low`` and ``high``: powers of ten,
    with 2 and 5 (and 1.5, 3, 7) between them when the axis spans few decades."""
    decades = np.log10(high / low)
    multiples = (1,) if decades > 3 else (1, 2, 5) if decades > 1.5 else (1, 1.5, 2, 3, 5, 7)
    powers = range(int(np.floor(np.log10(low))), int(np.ceil(np.log10(high))) + 1)
    ticks = (round(m * 10.0**p, 12) for p in powers for m in multiples)
    return [tick for tick in ticks if low <= tick <= high]


def log_ratio_axis(axis, lang: Language) -> None:
    """A log-scale ratio axis with ticks at round values, each written with the digits
    it needs (0,001 · 0,5 · 1 · 2), in ``lang``'s number format."""
    from matplotlib.ticker import FixedLocator, FuncFormatter, NullFormatter

    axis.set_yscale("log")
    low, high = axis.get_ylim()
    axis.yaxis.set_major_locator(FixedLocator(ratio_ticks(low, high)))

    def written(value: float, _position) -> str:
        shortest = f"{value:.10g}"
        return lang.format(value, "decimal", len(shortest.partition(".")[2]))

    axis.yaxis.set_major_formatter(FuncFormatter(written))
    axis.yaxis.set_minor_formatter(NullFormatter())


# --------------------------------------------------------------------------- beneath the plot


def text_width(text: str, size: float) -> float:
    """The width of ``text`` set in the figures' face at ``size``, in points."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath

    register_fonts()
    prop = FontProperties(family=STYLE["font.family"], size=size)
    return TextToPath().get_text_width_height_descent(text, prop, ismath=False)[0]


def wrap(pieces: list[str], width: float, size: float, separator: str = " ") -> list[str]:
    """Lines of at most ``width`` points, filled greedily with ``pieces`` joined by
    ``separator``; a piece is broken (between words) only when it is wider than a line."""
    lines: list[str] = []
    for piece in pieces:
        joined = f"{lines[-1]}{separator}{piece}" if lines else piece
        if lines and text_width(joined, size) <= width:
            lines[-1] = joined
        else:
            lines.append(piece)
    broken: list[str] = []
    for line in lines:
        if " " in line and text_width(line, size) > width:
            broken += wrap(line.split(" "), width, size)
        else:
            broken.append(line)
    return broken


def abbreviations_used(texts: list[str], abbreviations: list[str]) -> list[str]:
    """The entries ("TERM: what it stands for") of ``abbreviations`` whose term occurs,
    as a word, in any of ``texts``; in the order of ``abbreviations``."""
    found = []
    for entry in abbreviations:
        term = entry.partition(":")[0].strip()
        pattern = re.compile(rf"(?<!\w){re.escape(term)}(?!\w)")
        if any(pattern.search(text) for text in texts):
            found.append(entry)
    return found


def _shown_texts(fig: Figure) -> list[str]:
    """Every text the figure shows (axis labels, ticks, legends, annotations)."""
    from matplotlib.text import Text

    fig.draw_without_rendering()  # tick labels are written when the figure is drawn
    return [text.get_text() for text in fig.findobj(Text) if text.get_visible()]


def finish(
    fig: Figure, labels: dict, notes: list[str | list[str]] = (), size: float = NOTE
) -> Figure:
    """Write ``notes`` beneath the plot, then the key of the abbreviations the figure
    uses anywhere (``labels["abbreviations"]``), across the figure's full width.

    A note is a sentence (broken between words) or a list of items (a key: broken
    between items). The figure grows by their height, and its constrained layout keeps
    the plot, its labels and legends above them: nothing overlaps.
    """
    notes = list(notes)
    written = [" ".join(note) if isinstance(note, list) else note for note in notes]
    used = abbreviations_used(_shown_texts(fig) + written, labels.get("abbreviations", []))
    if not notes and not used:
        return fig
    width = (fig.get_figwidth() - 2 * _PAD) * 72
    lines = []
    for note in notes:
        if isinstance(note, list):
            lines += wrap(note, width, size, separator="   ")
        else:
            lines += wrap(note.split(" "), width, size)
    if used:  # broken between entries where they fit a line
        entries = [f"{entry};" for entry in used[:-1]] + [f"{used[-1]}."]
        entries[0] = f"{labels['abbreviations_title']} {entries[0]}"
        lines += wrap(entries, width, size)
    text = fig.text(
        _PAD,
        _PAD,
        "\n".join(lines),
        fontsize=size,
        ha="left",
        va="bottom",
        linespacing=1.3,
        transform=fig.dpi_scale_trans,
    )
    text.set_in_layout(False)
    height = text.get_window_extent(fig.canvas.get_renderer()).height / fig.dpi
    plot, footer = fig.get_figheight(), height + _GAP + _PAD
    fig.set_figheight(plot + footer)
    fig.get_layout_engine().set(rect=(0, footer / (plot + footer), 1, plot / (plot + footer)))
    return fig


def _legend_above(ax, fig: Figure, **options) -> None:
    """A legend in a row above ``ax``, in as many columns as fit the axes' width (as
    laid out without the legend: one that overhangs would squeeze the axes)."""
    handles, texts = ax.get_legend_handles_labels()
    if (drawn := ax.get_legend()) is not None:  # seaborn's, of what it drew: first
        shown = [text.get_text() for text in drawn.get_texts()]
        entries = dict(zip(shown, drawn.legend_handles, strict=True))
        entries |= {
            text: handle for handle, text in zip(handles, texts, strict=True) if text not in entries
        }
        texts, handles = list(entries), list(entries.values())
        drawn.remove()
    fig.draw_without_rendering()
    renderer = fig.canvas.get_renderer()
    room = ax.get_window_extent(renderer).width
    for columns in range(len(handles), 0, -1):
        legend = ax.legend(
            handles,
            texts,
            loc="lower left",
            bbox_to_anchor=(0, 1.0),
            ncols=columns,
            frameon=False,
            borderaxespad=0.3,
            borderpad=0.1,
            columnspacing=1.2,
            handlelength=1.6,
            **options,
        )
        if legend.get_window_extent(renderer).width <= room:
            return


def _grow_to(fig: Figure, ax, height: float) -> None:
    """Make the figure taller until ``ax`` is ``height`` inches high once laid out (its
    share of the figure's height, after the labels and legends, is known only then)."""
    spec = ax.get_subplotspec()
    grid = spec.get_gridspec()
    ratios = grid.get_height_ratios() or [1] * grid.nrows
    share = ratios[spec.rowspan.start] / sum(ratios)  # of each inch the figure grows
    for _ in range(4):
        fig.draw_without_rendering()
        actual = ax.get_position().height * fig.get_figheight()
        if actual >= height - 0.005:
            return
        fig.set_figheight(fig.get_figheight() + (height - actual) / share)


# --------------------------------------------------------------------------- the figures


def plot_hosted_by_origin(
    grouped: pd.DataFrame,
    origin_names: dict[str, str],
    labels: dict[str, str],
    lang: Language,
    source_note: str,
) -> Figure:
    """Stacked areas of people hosted per year, one band per origin (seaborn's objects
    interface: ``Area`` stacked by ``Stack``).

    Bands are stacked in the order of ``origin_names`` (largest origin first, at
    the bottom); the legend lists them top-down as they appear.
    """
    names = list(origin_names.values())
    palette = colours(len(names))
    long = grouped.assign(origin=grouped["origin"].map(origin_names))
    with _drawing() as (sns, plt):
        so = sns.objects

        fig, ax = plt.subplots(figsize=(TEXT_WIDTH, 3.1), layout="constrained")
        (
            so.Plot(long, x="year", y="hosted", color="origin")
            .add(so.Area(alpha=1, edgewidth=0), so.Stack())
            .scale(color=so.Nominal(dict(zip(names, palette, strict=True)), order=names))
            # the figures' own rc settings (STYLE), not seaborn's theme
            .theme({key: plt.rcParams[key] for key in STYLE if not key.startswith("svg.")})
            .on(ax)
            .plot()
        )
        # seaborn writes the key as a figure legend beside the plot: it goes inside it
        fig.legends.clear()
        ax.legend(
            [plt.Rectangle((0, 0), 1, 1, color=colour) for colour in palette],
            names,
            loc="upper left",
            frameon=False,
            reverse=True,
        )
        years = sorted(long["year"].unique())
        ax.set_xlim(years[0], years[-1])
        ax.set_xticks(years[::2])
        ax.yaxis.set_major_formatter(localised_axis(lang, scale=1e6))
        ax.set_xlabel(labels["year"])
        ax.set_ylabel(labels["people_millions"])
        return finish(fig, labels, [source_note])


def plot_indices(
    indices: pd.DataFrame, events: pd.DataFrame, labels: dict[str, str], lang: Language
) -> Figure:
    """The three harmonisation indices per year, with key events as dotted verticals.

    ``indices``: ``year`` and the columns ``legislative``, ``policy``, ``practice``;
    ``events``: ``date`` and ``label`` (already in ``lang``).
    """
    series = ["legislative", "policy", "practice"]
    names = [labels[f"index_{name}"] for name in series]
    long = indices.melt(id_vars="year", value_vars=series, var_name="index").assign(
        index=lambda frame: frame["index"].map(dict(zip(series, names, strict=True)))
    )
    with _drawing() as (sns, plt):
        fig, ax = plt.subplots(figsize=(TEXT_WIDTH, 3.3), layout="constrained")
        _category_lines(sns, ax, long, "index", names)
        # Events are numbered above the plot, [1], [2]…, and named in a key beneath it:
        # their labels would collide where events cluster (2016, 2019–20). The brackets
        # keep a key number apart from the number of a law ("[3] Decree-Law No. 676").
        key = []
        ordered = events.sort_values("date")[["date", "label"]].itertuples(index=False)
        for number, (date, label) in enumerate(ordered, start=1):
            position = date.year + (date.day_of_year - 1) / 365.25
            ax.axvline(position, color="0.55", linestyle=":", linewidth=0.8)
            ax.annotate(
                f"[{number}]",
                (position, 1.0),
                xycoords=("data", "axes fraction"),
                xytext=(0, 2 + (NOTE + 1) * (number % 2)),  # two rows, alternating
                textcoords="offset points",
                fontsize=NOTE,
                ha="center",
                va="bottom",
                color="0.25",
            )
            key.append(f"[{number}]\u00a0{label}")
        if key:
            key[0] = f"{labels['events_key']} {key[0]}"
        ax.set_ylim(0, 1)
        ax.set_xlim(indices["year"].min() - 0.5, indices["year"].max() + 0.5)
        ax.yaxis.set_major_formatter(localised_axis(lang, digits=1))
        ax.set_xlabel(labels["year"])
        ax.set_ylabel(labels["index_value"])
        ax.legend(loc="upper left", frameon=False)
        return finish(fig, labels, [key] if key else [])


def plot_alignment_by_area(
    by_group: pd.DataFrame, group_names: dict[str, str], labels: dict[str, str], lang: Language
) -> Figure:
    """Mean credited alignment per area of requirements (one line each) and year.

    Lines, not a heatmap: the areas' ranking, which the text reads off this figure,
    lies in differences of a few hundredths that a colour scale cannot show, and each
    area keeps a colour, a marker and a dash of its own."""
    names = list(group_names.values())
    long = by_group.assign(group=by_group["group"].map(group_names)).dropna(subset=["group"])
    with _drawing() as (sns, plt):
        fig, ax = plt.subplots(figsize=(TEXT_WIDTH, 3.3), layout="constrained")
        _category_lines(sns, ax, long.rename(columns={"index": "value"}), "group", names)
        years = sorted(long["year"].unique())
        ax.set_xlim(years[0] - 0.5, years[-1] + 0.5)
        ax.set_xticks(years[::2])
        ax.set_ylim(0, 1)
        ax.yaxis.set_major_formatter(localised_axis(lang, digits=1))
        ax.set_xlabel(labels["year"])
        ax.set_ylabel(labels["index_value"])
        ax.legend(loc="upper left", frameon=False, ncols=2)
        return finish(fig, labels)


def _category_lines(sns, ax, long: pd.DataFrame, category: str, names: list[str]) -> None:
    """One line per category of ``long`` (columns ``year``, ``value``, ``category``), in
    the order of ``names``: each with its colour of the palette, a marker and a dash."""
    markers = ["o", "s", "^", "D", "v", "P", "X", "*"][: len(names)]
    dashes = [(1, 0), (4, 1.5), (1.5, 1), (5, 1.5, 1.5, 1.5), (2.5, 1.5), (6, 2)]
    sns.lineplot(
        data=long,
        x="year",
        y="value",
        hue=category,
        style=category,
        hue_order=names,
        style_order=names,
        palette=colours(len(names)),
        markers=markers,
        dashes=[dashes[i % len(dashes)] for i in range(len(names))],
        markersize=3.5,
        markeredgewidth=0,
        linewidth=1.4,
        errorbar=None,
        ax=ax,
    )


def plot_its_counterfactual(
    paths: pd.DataFrame,
    break_month: pd.Timestamp,
    labels: dict[str, str],
    lang: Language,
    note: str,
) -> Figure:
    """Observed monthly detections, the NB fit, and the no-Statement path with its band."""
    fitted, counterfactual = colours(2)
    series = {"observed": "0.25", "fitted": fitted, "counterfactual": counterfactual}
    long = paths.melt(id_vars="month", value_vars=list(series), var_name="series").assign(
        series=lambda frame: frame["series"].map(labels)
    )
    with _drawing() as (sns, plt):
        fig, ax = plt.subplots(figsize=(TEXT_WIDTH, 3.3), layout="constrained")
        names = [labels[name] for name in series]
        sns.lineplot(
            data=long,
            x="month",
            y="value",
            hue="series",
            style="series",
            hue_order=names,
            style_order=names,
            palette=dict(zip(names, series.values(), strict=True)),
            dashes=[(1, 0), (1, 0), (4, 1.5)],
            size="series",
            size_order=names,
            sizes=[0.9, 1.3, 1.3],
            errorbar=None,
            ax=ax,
        )
        ax.fill_between(
            paths["month"],
            paths["counterfactual_low"],
            paths["counterfactual_high"],
            color=counterfactual,
            alpha=0.2,
            linewidth=0,
            label=labels["counterfactual_band"],
        )
        ax.axvline(break_month, color="0.4", linestyle=":", linewidth=0.9)
        # Left of the line: to its right, the counterfactual band reaches the top.
        ax.annotate(
            labels["statement_line"],
            (break_month, 1.0),
            xycoords=("data", "axes fraction"),
            xytext=(-3, -2),
            textcoords="offset points",
            fontsize=NOTE,
            va="top",
            ha="right",
            color="0.25",
        )
        ax.set_yscale("log")  # months without detections drop out of a log axis
        ax.yaxis.set_major_formatter(localised_axis(lang, kind="count"))
        ax.set_xlabel(labels["year"])
        ax.set_ylabel(labels["detections_log"])
        # Above the plot, where constrained layout gives it room of its own.
        _legend_above(ax, fig)
        return finish(fig, labels, [note])


def plot_event_study(
    event_study: pd.DataFrame, reference: int, labels: dict[str, str], lang: Language, note: str
) -> Figure:
    """Treated/control ratios by year relative to the reference year, with 95% intervals."""
    reference_row = pd.DataFrame(
        {"year": [reference], "ratio": [1.0], "ratio_low": [1.0], "ratio_high": [1.0]}
    )
    rows = pd.concat([event_study, reference_row]).sort_values("year")
    with _drawing() as (sns, plt):
        from matplotlib.ticker import NullFormatter

        fig, ax = plt.subplots(figsize=(TEXT_WIDTH, 3.1), layout="constrained")
        ax.axhline(1.0, color="0.5", linewidth=0.8)
        colour = colours(1)[0]
        ax.errorbar(
            rows["year"],
            rows["ratio"],
            yerr=[rows["ratio"] - rows["ratio_low"], rows["ratio_high"] - rows["ratio"]],
            fmt="none",
            ecolor=colour,
            capsize=2,
            linewidth=1,
        )
        sns.scatterplot(
            data=rows, x="year", y="ratio", color=colour, s=16, linewidth=0, zorder=3, ax=ax
        )
        ax.annotate(
            labels["reference_year"],
            (reference, 1.0),
            textcoords="offset points",
            xytext=(0, 6),
            ha="center",
            fontsize=NOTE,
            color="0.25",
        )
        ax.set_yscale("log")
        ax.set_yticks([0.1, 0.2, 0.5, 1, 2])
        ax.yaxis.set_major_formatter(localised_axis(lang, digits=1))
        ax.yaxis.set_minor_formatter(NullFormatter())
        ax.set_xticks(list(rows["year"]))
        ax.set_xlabel(labels["year"])
        ax.set_ylabel(labels["event_ratio"])
        return finish(fig, labels, [note])


def plot_specification_curve(
    table: pd.DataFrame,
    estimate: str,
    dimensions: dict[str, list],
    labels: dict,
    lang: Language,
    main: str,
    interval: tuple[str, str] | None = None,
    comparison: str | None = None,
    reference: float | None = 1.0,
    log_scale: bool = True,
    figure_labels: dict | None = None,
    threshold: tuple[float, str] | None = None,
) -> Figure:
    """A specification curve: every specification's estimate, sorted, with its 95%
    interval (or a comparison series) above, and beneath, which option of each
    dimension it uses (the dimension's name heading its options); the main
    specification is marked.

    ``labels``: the language's ``multiverse`` words (``dimensions``, ``options``,
    ``estimate`` titles, ``main``); ``figure_labels``: the language's figure words
    (for the key of abbreviations; none is written without them); ``threshold``: a
    level the text compares the estimates with and its legend entry, drawn as a
    dashed line.
    """
    ordered = table.sort_values([estimate, "specification"], ignore_index=True)
    positions = np.arange(len(ordered))
    is_main = (ordered["specification"] == main).to_numpy()
    # One heading row per dimension (option None), then a row per option.
    rows = [(name, option) for name, options in dimensions.items() for option in [None, *options]]
    pitch = (TICK + 2) / 72  # inches per row beneath
    with _drawing() as (sns, plt):
        fig, (top, bottom) = plt.subplots(
            2,
            1,
            figsize=(TEXT_WIDTH, 2.1 + pitch * len(rows)),
            layout="constrained",
            sharex=True,
            height_ratios=[1.8, pitch * len(rows)],
        )
        palette = colours(2)
        points = ordered.assign(position=positions)
        if interval:
            low, high = ordered[interval[0]].to_numpy(), ordered[interval[1]].to_numpy()
            top.fill_between(
                positions,
                low,
                high,
                color=palette[0],
                alpha=0.25,
                linewidth=0,
                step="mid",
                label=labels["interval"],
            )
        if comparison:
            sns.scatterplot(
                data=points,
                x="position",
                y=comparison,
                s=4,
                color=palette[1],
                linewidth=0,
                label=labels[comparison],
                ax=top,
            )
        sns.scatterplot(
            data=points,
            x="position",
            y=estimate,
            s=4,
            color=palette[0],
            linewidth=0,
            label=labels[estimate],
            ax=top,
        )
        top.scatter(
            positions[is_main],
            ordered.loc[is_main, estimate],
            s=40,
            marker="D",
            facecolors="none",
            edgecolors="0.1",
            linewidths=1,
            label=labels["main"],
            zorder=3,
        )
        if threshold is not None:
            level, name = threshold
            top.axhline(level, color="0.3", linestyle="--", linewidth=0.9, label=name)
        if reference is not None:
            top.axhline(reference, color="0.4", linewidth=0.8)
        if log_scale:
            log_ratio_axis(top, lang)
        else:
            top.yaxis.set_major_formatter(localised_axis(lang, digits=1))
        top.set_ylabel(labels["estimate_axis"][estimate])

        def shown(option) -> str:
            if isinstance(option, float):
                return lang.format(option, "decimal", 2)
            return labels["options"].get(str(option), str(option))

        for row, (name, option) in enumerate(rows):
            if option is None:
                if row:
                    bottom.axhline(row - 0.5, color="0.8", linewidth=0.5)
                continue
            uses = (ordered[name].astype(str) == str(option)).to_numpy()
            bottom.vlines(positions[uses], row - 0.3, row + 0.3, color="0.25", linewidth=0.5)
        bottom.set_yticks(
            range(len(rows)),
            [
                labels["dimensions"][name] if option is None else shown(option)
                for name, option in rows
            ],
            fontsize=TICK,
        )
        for tick, (_name, option) in zip(bottom.get_yticklabels(), rows, strict=True):
            if option is None:
                tick.set_fontweight("bold")
        bottom.tick_params(axis="y", length=0)
        bottom.set_ylim(len(rows) - 0.5, -0.5)
        bottom.set_xlim(-1, len(ordered))
        bottom.set_xlabel(labels["specifications_axis"].format(count=len(ordered)))
        bottom.spines["left"].set_visible(False)
        # Above the plot: over the data, the points it would hide are the extremes.
        _legend_above(top, fig, markerscale=1.5)
        _grow_to(fig, bottom, pitch * len(rows))
        if figure_labels is None:
            return fig
        return finish(fig, figure_labels)


# --------------------------------------------------------------------------- registered figures
# Each takes the data of its drawing job (asylum_regime.drawing), the words of one
# language (manuscript/labels.yaml) and the language, and returns the figure.


def hosted_figure(data: dict, labels: dict, lang: Language) -> Figure:
    grouped, countries = data["table"], data["countries"]
    origins = list(dict.fromkeys(grouped["origin"]))  # the table's order: largest first
    names = {
        code: labels["other_origins"]
        if code == OTHER
        else lang.country(countries.at[code, "iso2"], countries.at[code, "name"])
        for code in origins
    }
    notes = [labels["source_unhcr"].format(release=data["release"])]
    # The caption says "at the end of each year": a mid-year release's last year is not.
    last_year = int(grouped["year"].max())
    if data["latest"].of_year(last_year) == "mid-year":
        notes.append(labels["mid_year_figures"].format(year=last_year))
    return plot_hosted_by_origin(grouped, names, labels, lang, " ".join(notes))


def indices_figure(data: dict, labels: dict, lang: Language) -> Figure:
    marked = data["marked"]
    return plot_indices(
        data["annual"], marked.assign(label=marked[f"label_{lang.code}"]), labels, lang
    )


def alignment_heatmap_figure(data: dict, labels: dict, lang: Language) -> Figure:
    by_group = data["by_group"]
    groups = [g for g in labels["groups"] if g in set(by_group["group"])]
    return plot_alignment_by_area(by_group, {g: labels["groups"][g] for g in groups}, labels, lang)


def its_counterfactual_figure(data: dict, labels: dict, lang: Language) -> Figure:
    its = data["its"]
    note = labels["source_frontex"].format(release=data["release_frontex"])
    return plot_its_counterfactual(
        data["paths"], month_start(its["specification"]["break_month"]), labels, lang, note
    )


def event_study_figure(data: dict, labels: dict, lang: Language) -> Figure:
    did = data["did"]
    note = labels["source_eurostat"].format(release=data["release_eu_asyapp"])
    return plot_event_study(
        pd.DataFrame(did["event_study"]), did["specification"]["reference_year"], labels, lang, note
    )


def _curve(family: str, data: dict, labels: dict, lang: Language, **options) -> Figure:
    return plot_specification_curve(
        data[family],
        dimensions=data["dimensions"][family],
        labels=labels["multiverse"],
        lang=lang,
        main=data["main"][family],
        figure_labels=labels,
        **options,
    )


def its_curve_figure(data: dict, labels: dict, lang: Language) -> Figure:
    return _curve(
        "its",
        data,
        labels,
        lang,
        estimate="statement_ratio",
        interval=("statement_ratio_low", "statement_ratio_high"),
    )


def did_curve_figure(data: dict, labels: dict, lang: Language) -> Figure:
    return _curve(
        "did",
        data,
        labels,
        lang,
        estimate="did_ratio",
        interval=("did_ratio_low", "did_ratio_high"),
    )


def indices_curve_figure(data: dict, labels: dict, lang: Language) -> Figure:
    return _curve(
        "indices",
        data,
        labels,
        lang,
        estimate="practice_max",
        comparison="legislative_last",
        reference=None,
        log_scale=False,
        # the level the text measures practice and legislation against (config)
        threshold=(data["half"], labels["multiverse"]["half_line"]),
    )
