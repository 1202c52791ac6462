"""Figures, drawn once per language from the same data.

Each ``plot_*`` function takes tidy data and a language's labels and returns a
matplotlib Figure; ``save_figure`` writes it as SVG (HTML, PDF) and PNG (DOCX)
with fixed metadata, so rebuilds give identical bytes.

Every figure is drawn as wide as the PDF's text (``TEXT_WIDTH``) and printed at
1:1, in the body's typeface (Libertinus Serif, vendored with paperkit), with no
text smaller than ``SMALLEST`` points. What a figure writes beneath its plot (the
source, the key of its numbered lines, the abbreviations it uses) is wrapped to
the figure's width and given room of its own, so nothing overlaps.

matplotlib is imported when a figure is drawn, not when this module is.
"""

from __future__ import annotations

import re
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

# The colour-blind-safe palette of every figure (seaborn's "colorblind", in its order).
COLORBLIND = [
    "#0173b2",
    "#de8f05",
    "#029e73",
    "#d55e00",
    "#cc78bc",
    "#ca9161",
    "#fbafe4",
    "#949494",
    "#ece133",
    "#56b4e9",
]

# The PDF's text width in inches: A4 (paperkit's pandoc/defaults/typst.yaml) less the 1.25 in
# side margins of Pandoc's Typst template. Figures are this wide and are included at
# the full text width, so 1 pt in a figure is 1 pt on paper.
TEXT_WIDTH = 210 / 25.4 - 2 * 1.25

# Type sizes in points, on paper (figures print at 1:1). No text is under 7 pt; as
# Libertinus has a small x-height, notes are 8 pt and only the rows beneath the
# specification curves are smaller.
SMALLEST = 7.5
NOTE = 8.0  # sources, keys, annotations
TICK = 8.5
LABEL = 9.0

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


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


@contextmanager
def _drawing() -> Iterator:
    """matplotlib's pyplot, with the vendored fonts registered and STYLE in force."""
    plt = _pyplot()
    register_fonts()
    with plt.rc_context(STYLE):
        yield plt


def colours(count: int) -> list[str]:
    """``count`` colours of the palette (repeating it past its ten)."""
    return [COLORBLIND[i % len(COLORBLIND)] for i in range(count)]


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
    fig.draw_without_rendering()
    renderer = fig.canvas.get_renderer()
    room = ax.get_window_extent(renderer).width
    handles, texts = ax.get_legend_handles_labels()
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
    """Stacked areas of people hosted per year, one band per origin.

    Bands are stacked in the order of ``origin_names`` (largest origin first, at
    the bottom); the legend lists them top-down as they appear.
    """
    wide = (
        grouped.pivot(index="year", columns="origin", values="hosted")
        .reindex(columns=list(origin_names))
        .rename(columns=origin_names)
    )
    with _drawing() as plt:
        fig, ax = plt.subplots(figsize=(TEXT_WIDTH, 3.1), layout="constrained")
        ax.stackplot(
            wide.index,
            wide.T.to_numpy(),
            labels=list(wide.columns),
            colors=colours(wide.shape[1]),
            linewidth=0,
        )
        ax.set_xlim(wide.index.min(), wide.index.max())
        ax.set_xticks(list(wide.index[::2]))
        ax.yaxis.set_major_formatter(localised_axis(lang, scale=1e6))
        ax.set_xlabel(labels["year"])
        ax.set_ylabel(labels["people_millions"])
        ax.legend(loc="upper left", frameon=False, reverse=True)
        return finish(fig, labels, [source_note])


def plot_indices(
    indices: pd.DataFrame, events: pd.DataFrame, labels: dict[str, str], lang: Language
) -> Figure:
    """The three harmonisation indices per year, with key events as dotted verticals.

    ``indices``: ``year`` and the columns ``legislative``, ``policy``, ``practice``;
    ``events``: ``date`` and ``label`` (already in ``lang``).
    """
    series = ["legislative", "policy", "practice"]
    with _drawing() as plt:
        fig, ax = plt.subplots(figsize=(TEXT_WIDTH, 3.3), layout="constrained")
        markers = ["o", "s", "^"]
        for name, colour, marker in zip(series, colours(len(series)), markers, strict=True):
            ax.plot(
                indices["year"],
                indices[name],
                label=labels[f"index_{name}"],
                color=colour,
                marker=marker,
                markersize=3,
                linewidth=1.5,
            )
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


def plot_alignment_heatmap(
    by_group: pd.DataFrame, group_names: dict[str, str], labels: dict[str, str], lang: Language
) -> Figure:
    """Mean credited alignment per requirement group (rows) and year (columns)."""
    wide = (
        by_group.pivot(index="group", columns="year", values="index")
        .reindex(list(group_names))
        .rename(index=group_names)
    )
    with _drawing() as plt:
        fig, ax = plt.subplots(figsize=(TEXT_WIDTH, 2.6), layout="constrained")
        values = np.ma.masked_invalid(wide.to_numpy(dtype=float))
        mesh = ax.pcolormesh(
            values, vmin=0, vmax=1, cmap="viridis", edgecolors="white", linewidth=0.3
        )
        years = list(wide.columns)
        shown = range(0, len(years), 2)  # every other year: upright labels that fit
        ax.set_xticks([i + 0.5 for i in shown], [str(years[i]) for i in shown])
        ax.set_xticks([i + 0.5 for i in range(len(years))], minor=True)
        ax.set_yticks([i + 0.5 for i in range(len(wide.index))], list(wide.index))
        ax.set_xlim(0, len(years))
        ax.set_ylim(len(wide.index), 0)  # the first group on top
        ax.tick_params(which="both", length=2)
        for spine in ax.spines.values():
            spine.set_visible(False)
        fig.colorbar(
            mesh, ax=ax, label=labels["index_value"], format=localised_axis(lang, digits=1)
        ).outline.set_visible(False)
        ax.set_xlabel(labels["year"])
        return finish(fig, labels)


def plot_its_counterfactual(
    paths: pd.DataFrame,
    break_month: pd.Timestamp,
    labels: dict[str, str],
    lang: Language,
    note: str,
) -> Figure:
    """Observed monthly detections, the NB fit, and the no-Statement path with its band."""
    with _drawing() as plt:
        fig, ax = plt.subplots(figsize=(TEXT_WIDTH, 3.3), layout="constrained")
        palette = colours(3)
        ax.plot(
            paths["month"], paths["observed"], color="0.25", linewidth=0.9, label=labels["observed"]
        )
        ax.plot(
            paths["month"], paths["fitted"], color=palette[0], linewidth=1.3, label=labels["fitted"]
        )
        ax.plot(
            paths["month"],
            paths["counterfactual"],
            color=palette[2],
            linewidth=1.3,
            linestyle="--",
            label=labels["counterfactual"],
        )
        ax.fill_between(
            paths["month"],
            paths["counterfactual_low"],
            paths["counterfactual_high"],
            color=palette[2],
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
    with _drawing() as plt:
        from matplotlib.ticker import NullFormatter

        fig, ax = plt.subplots(figsize=(TEXT_WIDTH, 3.1), layout="constrained")
        ax.axhline(1.0, color="0.5", linewidth=0.8)
        ax.errorbar(
            rows["year"],
            rows["ratio"],
            yerr=[rows["ratio"] - rows["ratio_low"], rows["ratio_high"] - rows["ratio"]],
            fmt="o",
            color=COLORBLIND[0],
            markersize=4,
            capsize=2,
            linewidth=1,
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
) -> Figure:
    """A specification curve: every specification's estimate, sorted, with its 95%
    interval (or a comparison series) above, and beneath, which option of each
    dimension it uses (the dimension's name heading its options); the main
    specification is marked.

    ``labels``: the language's ``multiverse`` words (``dimensions``, ``options``,
    ``estimate`` titles, ``main``); ``figure_labels``: the language's figure words
    (for the key of abbreviations; none is written without them).
    """
    ordered = table.sort_values([estimate, "specification"], ignore_index=True)
    positions = np.arange(len(ordered))
    is_main = (ordered["specification"] == main).to_numpy()
    # One heading row per dimension (option None), then a row per option.
    rows = [(name, option) for name, options in dimensions.items() for option in [None, *options]]
    pitch = (SMALLEST + 1.5) / 72  # inches per row beneath
    with _drawing() as plt:
        fig, (top, bottom) = plt.subplots(
            2,
            1,
            figsize=(TEXT_WIDTH, 2.1 + pitch * len(rows)),
            layout="constrained",
            sharex=True,
            height_ratios=[1.8, pitch * len(rows)],
        )
        palette = COLORBLIND
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
            top.scatter(
                positions,
                ordered[comparison],
                s=4,
                color=palette[1],
                linewidths=0,
                label=labels[comparison],
            )
        top.scatter(
            positions,
            ordered[estimate],
            s=4,
            color=palette[0],
            linewidths=0,
            label=labels[estimate],
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
            fontsize=SMALLEST,
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
    return plot_alignment_heatmap(by_group, {g: labels["groups"][g] for g in groups}, labels, lang)


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
    )
