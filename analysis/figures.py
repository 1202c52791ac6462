"""Figures, drawn once per language from the same data.

Each ``plot_*`` function takes tidy data and a language's labels and returns a
matplotlib Figure; ``save_figure`` writes it as SVG (HTML, PDF) and PNG (DOCX)
with fixed metadata, so rebuilds give identical bytes.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns
from matplotlib.ticker import FuncFormatter

from analysis.atomic import atomic_path
from analysis.localise import format_value

STYLE = {
    "svg.hashsalt": "eu-turkiye-asylum-regime",  # stable element ids in SVG output
    "svg.fonttype": "path",  # glyphs as paths: same look without the fonts installed
    "font.family": "DejaVu Sans",  # ships with matplotlib; covers ı İ ş ğ ç ö ü
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
}
PNG_DPI = 200


def localised_axis(lang: str, kind: str = "decimal", digits: int = 1, scale: float = 1.0):
    """A tick formatter that writes numbers the way ``lang`` does."""
    return FuncFormatter(lambda value, _pos: format_value(value / scale, kind, lang, digits))


def plot_hosted_by_origin(
    grouped: pd.DataFrame,
    origin_names: dict[str, str],
    labels: dict[str, str],
    lang: str,
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


def save_figure(fig: plt.Figure, svg: str | Path, png: str | Path) -> None:
    """Write ``fig`` to SVG and PNG without timestamps or version strings."""
    with plt.rc_context(STYLE):
        with atomic_path(svg) as temp:
            fig.savefig(temp, format="svg", bbox_inches="tight", metadata={"Date": None})
        with atomic_path(png) as temp:
            fig.savefig(
                temp, format="png", dpi=PNG_DPI, bbox_inches="tight", metadata={"Software": None}
            )
    plt.close(fig)
