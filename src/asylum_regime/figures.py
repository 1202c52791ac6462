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
from matplotlib.ticker import FuncFormatter, NullFormatter

from asylum_regime.descriptives import OTHER
from asylum_regime.estimates import month_start
from paperkit.languages import Language

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


def plot_specifications(
    specifications: pd.DataFrame,
    placebo: pd.DataFrame,
    spec_names: dict[str, str],
    estimator_names: dict[str, str],
    labels: dict[str, str],
    lang: Language,
) -> plt.Figure:
    """The Statement's IRR by event set × estimator, beside the placebo break estimates."""
    rows = specifications.assign(
        label=lambda f: (
            f["specification"].map(spec_names) + " · " + f["estimator"].map(estimator_names)
        )
    ).iloc[::-1]
    with plt.rc_context(STYLE):
        fig, (left, right) = plt.subplots(
            1, 2, figsize=(6.3, 3.4), layout="constrained", width_ratios=[3, 2], sharex=True
        )
        colours = dict(zip(estimator_names, sns.color_palette("colorblind", 3), strict=True))
        positions = range(len(rows))
        for position, row in zip(positions, rows.itertuples(index=False), strict=True):
            left.errorbar(
                row.ratio,
                position,
                xerr=[[row.ratio - row.ratio_low], [row.ratio_high - row.ratio]],
                fmt="o",
                markersize=3.5,
                capsize=2,
                color=colours[row.estimator],
                linewidth=1,
            )
        left.set_yticks(list(positions), rows["label"], fontsize=7)
        placebo_ratio = np.exp(placebo["estimate"])
        right.scatter(placebo_ratio, range(len(placebo)), s=8, color="0.4")
        right.set_yticks([])
        right.set_title(labels["placebo"], fontsize=8)
        for axis in (left, right):
            axis.axvline(1.0, color="0.5", linewidth=0.8)
            axis.set_xscale("log")
            axis.xaxis.set_major_formatter(localised_axis(lang, digits=2))
        fig.supxlabel(labels["statement_irr"], fontsize=8)
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


def its_specifications_figure(data: dict, labels: dict, lang: Language) -> plt.Figure:
    its = data["its"]
    return plot_specifications(
        pd.DataFrame(its["specifications"]),
        pd.DataFrame(its["placebo"]["breaks"]),
        labels["specifications"],
        labels["tables"]["estimators"],
        labels,
        lang,
    )
