"""The figure and the table of the series, in each language (labels: manuscript/labels.yaml)."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.ticker import FuncFormatter

# Same bytes on every run: a fixed SVG hash salt, text as paths, a font matplotlib ships.
STYLE = {"svg.hashsalt": "paper", "svg.fonttype": "path", "font.family": "DejaVu Sans"}


def series_data(inputs: dict, params: dict) -> dict:
    return {"series": pd.read_csv(inputs["observations"])}


def series_figure(data: dict, labels: dict, lang) -> plt.Figure:
    series = data["series"]
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(4, 2.5), layout="constrained")
        ax.bar(series["year"].astype(str), series["value"], color="#0072B2")
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: lang.format(v, "count")))
        ax.set_xlabel(labels["year"])
        ax.set_ylabel(labels["value"])
    return fig


def series_table(data: dict, labels: dict, lang) -> str:
    rows = [f"| {labels['year']} | {labels['value']} |", "|:---|---:|"]
    rows += [
        f"| {row.year} | {lang.format(row.value, 'count')} |"
        for row in data["series"].itertuples(index=False)
    ]
    return "\n".join(rows) + "\n"
