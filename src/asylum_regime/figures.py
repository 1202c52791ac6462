"""Figures, drawn once per language from the same data.

Each ``plot_*`` function takes tidy data and a language's labels and returns a
matplotlib Figure; ``save_figure`` writes it as SVG (HTML, PDF) and PNG (DOCX)
with fixed metadata, so rebuilds give identical bytes.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.ticker import FixedLocator, FuncFormatter, NullFormatter

from asylum_regime.descriptives import OTHER
from asylum_regime.estimates import month_start
from paperkit.languages import Language

# The colour-blind-safe palette of every figure (seaborn's "colorblind").
COLORBLIND = ["#0173b2", "#de8f05", "#029e73", "#d55e00", "#cc78bc", "#ca9161"]

# The look of every figure (registry: figure_style); the SVG settings make the bytes
# independent of the machine (stable ids, glyphs as paths).
STYLE = {
    "svg.hashsalt": "eu-turkiye-asylum-regime",  # stable element ids in SVG output
    "svg.fonttype": "path",  # glyphs as paths: same look without the fonts installed
    "font.family": "DejaVu Sans",  # ships with matplotlib; covers ı İ ş ğ ç ö ü
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
}


def localised_axis(lang: Language, kind: str = "decimal", digits: int = 1, scale: float = 1.0):
    """A tick formatter that writes numbers the way ``lang`` does."""
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
    axis.set_yscale("log")
    low, high = axis.get_ylim()
    axis.yaxis.set_major_locator(FixedLocator(ratio_ticks(low, high)))

    def written(value: float, _position) -> str:
        shortest = f"{value:.10g}"
        return lang.format(value, "decimal", len(shortest.partition(".")[2]))

    axis.yaxis.set_major_formatter(FuncFormatter(written))
    axis.yaxis.set_minor_formatter(NullFormatter())


def plot_hosted_by_origin(
    grouped: pd.DataFrame,
    origin_names: dict[str, str],
    labels: dict[str, str],
    lang: Language,
    source_note: str,
) -> plt.Figure:
    """Stacked areas of people hosted per year, one band per origin.

    Bands are stacked in the order of ``origin_names`` (largest origin first, at
    the bottom); the legend lists them top-down as they appear.
    """
    wide = (
        grouped.pivot(index="year", columns="origin", values="hosted")
        .reindex(columns=list(origin_names))
        .rename(columns=origin_names)
    )
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(6.3, 3.6), layout="constrained")
        colours = sns.color_palette("colorblind", n_colors=wide.shape[1])
        ax.stackplot(
            wide.index, wide.T.to_numpy(), labels=list(wide.columns), colors=colours, linewidth=0
        )
        ax.set_xlim(wide.index.min(), wide.index.max())
        ax.set_xticks(list(wide.index[::2]))
        ax.yaxis.set_major_formatter(localised_axis(lang, scale=1e6))
        ax.set_xlabel(labels["year"])
        ax.set_ylabel(labels["people_millions"])
        ax.legend(loc="upper left", frameon=False, reverse=True)
        fig.text(0.01, -0.02, source_note, fontsize=7, ha="left", va="top")
    return fig


def plot_indices(
    indices: pd.DataFrame, events: pd.DataFrame, labels: dict[str, str], lang: Language
) -> plt.Figure:
    """The three harmonisation indices per year, with key events as dotted verticals.

    ``indices``: ``year`` and the columns ``legislative``, ``policy``, ``practice``;
    ``events``: ``date`` and ``label`` (already in ``lang``).
    """
    series = ["legislative", "policy", "practice"]
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(6.3, 3.8), layout="constrained")
        colours = sns.color_palette("colorblind", n_colors=len(series))
        markers = ["o", "s", "^"]
        for name, colour, marker in zip(series, colours, markers, strict=True):
            ax.plot(
                indices["year"],
                indices[name],
                label=labels[f"index_{name}"],
                color=colour,
                marker=marker,
                markersize=3,
                linewidth=1.5,
            )
        # Events are numbered above the plot and named in a key beneath it: their
        # labels would collide where events cluster (2016, 2019–20).
        key = []
        ordered = events.sort_values("date")[["date", "label"]].itertuples(index=False)
        for number, (date, label) in enumerate(ordered, start=1):
            position = date.year + (date.dayofyear - 1) / 365.25
            ax.axvline(position, color="0.55", linestyle=":", linewidth=0.8)
            ax.text(
                position,
                1.01 + 0.05 * (number % 2),
                str(number),
                fontsize=7,
                ha="center",
                va="bottom",
                color="0.3",
                transform=ax.get_xaxis_transform(),
            )
            key.append(f"{number} {label}")
        if key:
            fig.text(0.01, -0.02, "   ".join(key), fontsize=7, ha="left", va="top", wrap=True)
        ax.set_ylim(0, 1)
        ax.set_xlim(indices["year"].min() - 0.5, indices["year"].max() + 0.5)
        ax.yaxis.set_major_formatter(localised_axis(lang, digits=1))
        ax.set_xlabel(labels["year"])
        ax.set_ylabel(labels["index_value"])
        ax.legend(loc="upper left", frameon=False)
    return fig


def plot_alignment_heatmap(
    by_group: pd.DataFrame, group_names: dict[str, str], labels: dict[str, str], lang: Language
) -> plt.Figure:
    """Mean credited alignment per requirement group (rows) and year (columns)."""
    wide = (
        by_group.pivot(index="group", columns="year", values="index")
        .reindex(list(group_names))
        .rename(index=group_names)
    )
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(6.3, 2.9), layout="constrained")
        sns.heatmap(
            wide,
            ax=ax,
            vmin=0,
            vmax=1,
            cmap="viridis",
            linewidths=0.3,
            cbar_kws={"label": labels["index_value"], "format": localised_axis(lang, digits=1)},
        )
        ax.set_xlabel(labels["year"])
        ax.set_ylabel("")
        ax.tick_params(axis="x", labelsize=7, rotation=90)
    return fig


def plot_its_counterfactual(
    paths: pd.DataFrame,
    break_month: pd.Timestamp,
    labels: dict[str, str],
    lang: Language,
    note: str,
) -> plt.Figure:
    """Observed monthly detections, the NB fit, and the no-Statement path with its band."""
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(6.3, 3.6), layout="constrained")
        colours = sns.color_palette("colorblind", n_colors=3)
        ax.fill_between(
            paths["month"],
            paths["counterfactual_low"],
            paths["counterfactual_high"],
            color=colours[2],
            alpha=0.2,
            linewidth=0,
            label=labels["counterfactual_band"],
        )
        ax.plot(
            paths["month"], paths["observed"], color="0.25", linewidth=0.9, label=labels["observed"]
        )
        ax.plot(
            paths["month"], paths["fitted"], color=colours[0], linewidth=1.3, label=labels["fitted"]
        )
        ax.plot(
            paths["month"],
            paths["counterfactual"],
            color=colours[2],
            linewidth=1.3,
            linestyle="--",
            label=labels["counterfactual"],
        )
        ax.axvline(break_month, color="0.4", linestyle=":", linewidth=0.9)
        ax.text(
            break_month,
            0.98,
            " " + labels["statement_line"],
            transform=ax.get_xaxis_transform(),
            fontsize=7,
            va="top",
            ha="left",
            color="0.3",
        )
        ax.set_yscale("log")  # months without detections drop out of a log axis
        ax.yaxis.set_major_formatter(localised_axis(lang, kind="count"))
        ax.set_xlabel(labels["year"])
        ax.set_ylabel(labels["detections_log"])
        fig.legend(loc="outside lower center", ncols=2, frameon=False, fontsize=7)
        fig.text(0.01, -0.02, note, fontsize=7, ha="left", va="top")
    return fig


def plot_event_study(
    event_study: pd.DataFrame, reference: int, labels: dict[str, str], lang: Language, note: str
) -> plt.Figure:
    """Treated/control ratios by year relative to the reference year, with 95% intervals."""
    reference_row = pd.DataFrame(
        {"year": [reference], "ratio": [1.0], "ratio_low": [1.0], "ratio_high": [1.0]}
    )
    rows = pd.concat([event_study, reference_row]).sort_values("year")
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(6.3, 3.4), layout="constrained")
        colour = sns.color_palette("colorblind", n_colors=1)[0]
        ax.axhline(1.0, color="0.5", linewidth=0.8)
        ax.errorbar(
            rows["year"],
            rows["ratio"],
            yerr=[rows["ratio"] - rows["ratio_low"], rows["ratio_high"] - rows["ratio"]],
            fmt="o",
            color=colour,
            markersize=4,
            capsize=2,
            linewidth=1,
        )
        ax.annotate(
            labels["reference_year"],
            (reference, 1.0),
            textcoords="offset points",
            xytext=(0, 8),
            ha="center",
            fontsize=7,
            color="0.3",
        )
        ax.set_yscale("log")
        ax.set_yticks([0.1, 0.2, 0.5, 1, 2])
        ax.yaxis.set_major_formatter(localised_axis(lang, digits=1))
        ax.yaxis.set_minor_formatter(NullFormatter())
        ax.set_xticks(list(rows["year"]))
        ax.tick_params(axis="x", labelsize=7)
        ax.set_xlabel(labels["year"])
        ax.set_ylabel(labels["event_ratio"])
        fig.text(0.01, -0.02, note, fontsize=7, ha="left", va="top")
    return fig


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
) -> plt.Figure:
    """A specification curve: every specification's estimate, sorted, with its 95%
    interval (or a comparison series) above, and beneath, which option of each
    dimension it uses; the main specification is marked.

    ``labels``: the language's ``multiverse`` words (``dimensions``, ``options``,
    ``estimate`` titles, ``main``).
    """
    ordered = table.sort_values([estimate, "specification"], ignore_index=True)
    positions = np.arange(len(ordered))
    is_main = (ordered["specification"] == main).to_numpy()
    rows = [(name, option) for name, options in dimensions.items() for option in options]
    with plt.rc_context(STYLE):
        fig, (top, bottom) = plt.subplots(
            2,
            1,
            figsize=(6.3, 2.6 + 0.14 * len(rows)),
            layout="constrained",
            sharex=True,
            height_ratios=[2.2, 0.16 * len(rows) + 0.2],
        )
        colours = COLORBLIND
        if interval:
            low, high = ordered[interval[0]].to_numpy(), ordered[interval[1]].to_numpy()
            top.fill_between(
                positions,
                low,
                high,
                color=colours[0],
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
                color=colours[1],
                linewidths=0,
                label=labels[comparison],
            )
        top.scatter(
            positions,
            ordered[estimate],
            s=4,
            color=colours[0],
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
        top.set_ylabel(labels["estimate_axis"][estimate], fontsize=8)
        # Above the plot: over the data, the points it would hide are the extremes.
        top.legend(
            loc="lower left",
            bbox_to_anchor=(0, 1.0),
            ncol=3,
            frameon=False,
            fontsize=7,
            markerscale=1.5,
            borderaxespad=0.2,
        )
        for row, (name, option) in enumerate(rows):
            uses = (ordered[name].astype(str) == str(option)).to_numpy()
            bottom.scatter(
                positions[uses],
                np.full(uses.sum(), row),
                s=1.5,
                marker="|",
                color="0.25",
                linewidths=0.5,
            )

        def shown(option) -> str:
            if isinstance(option, float):
                return lang.format(option, "decimal", 2)
            return labels["options"].get(str(option), str(option))

        bottom.set_yticks(
            range(len(rows)),
            [f"{labels['dimensions'][name]}: {shown(option)}" for name, option in rows],
            fontsize=6.5,
        )
        bottom.set_ylim(len(rows) - 0.5, -0.5)
        bottom.set_xlim(-1, len(ordered))
        bottom.set_xlabel(labels["specifications_axis"].format(count=len(ordered)), fontsize=8)
        bottom.tick_params(axis="x", labelsize=7)
        bottom.spines["left"].set_visible(False)
    return fig


# --------------------------------------------------------------------------- registered figures
# Each takes the data of its drawing job (asylum_regime.drawing), the words of one
# language (manuscript/labels.yaml) and the language, and returns the figure.


def hosted_figure(data: dict, labels: dict, lang: Language) -> plt.Figure:
    grouped, countries = data["table"], data["countries"]
    origins = list(dict.fromkeys(grouped["origin"]))  # the table's order: largest first
    names = {
        code: labels["other_origins"]
        if code == OTHER
        else lang.country(countries.at[code, "iso2"], countries.at[code, "name"])
        for code in origins
    }
    note = labels["source_unhcr"].format(release=data["release"])
    return plot_hosted_by_origin(grouped, names, labels, lang, note)


def indices_figure(data: dict, labels: dict, lang: Language) -> plt.Figure:
    marked = data["marked"]
    return plot_indices(
        data["annual"], marked.assign(label=marked[f"label_{lang.code}"]), labels, lang
    )


def alignment_heatmap_figure(data: dict, labels: dict, lang: Language) -> plt.Figure:
    by_group = data["by_group"]
    groups = [g for g in labels["groups"] if g in set(by_group["group"])]
    return plot_alignment_heatmap(by_group, {g: labels["groups"][g] for g in groups}, labels, lang)


def its_counterfactual_figure(data: dict, labels: dict, lang: Language) -> plt.Figure:
    its = data["its"]
    note = labels["source_frontex"].format(release=data["release_frontex"])
    return plot_its_counterfactual(
        data["paths"], month_start(its["specification"]["break_month"]), labels, lang, note
    )


def event_study_figure(data: dict, labels: dict, lang: Language) -> plt.Figure:
    did = data["did"]
    note = labels["source_eurostat"].format(release=data["release_eu_asyapp"])
    return plot_event_study(
        pd.DataFrame(did["event_study"]), did["specification"]["reference_year"], labels, lang, note
    )


def _curve(family: str, data: dict, labels: dict, lang: Language, **options) -> plt.Figure:
    return plot_specification_curve(
        data[family],
        dimensions=data["dimensions"][family],
        labels=labels["multiverse"],
        lang=lang,
        main=data["main"][family],
        **options,
    )


def its_curve_figure(data: dict, labels: dict, lang: Language) -> plt.Figure:
    return _curve(
        "its",
        data,
        labels,
        lang,
        estimate="statement_ratio",
        interval=("statement_ratio_low", "statement_ratio_high"),
    )


def did_curve_figure(data: dict, labels: dict, lang: Language) -> plt.Figure:
    return _curve(
        "did",
        data,
        labels,
        lang,
        estimate="did_ratio",
        interval=("did_ratio_low", "did_ratio_high"),
    )


def indices_curve_figure(data: dict, labels: dict, lang: Language) -> plt.Figure:
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
