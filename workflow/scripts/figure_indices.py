"""Figures: the three indices over time, and alignment by requirement group × year."""

import pandas as pd
import yaml

from analysis.atomic import write_text
from analysis.coding import read_table
from analysis.figures import plot_alignment_heatmap, plot_indices, save_figure
from analysis.harmonisation import sensitivity_ranges
from analysis.jobs import run_job
from analysis.tables import indices_table

snakemake = snakemake  # noqa: F821 (injected by Snakemake)

INDICES = ["legislative", "policy", "practice"]


def main() -> None:
    annual = pd.read_csv(snakemake.input.annual)
    sensitivity = pd.read_csv(snakemake.input.sensitivity, keep_default_na=False, na_values=[""])
    rows = (
        annual.loc[annual["year"].isin(snakemake.params.key_years), ["year", *INDICES]]
        .astype(object)
        .where(lambda f: f.notna(), None)
        .to_dict(orient="records")
    )
    variants = sensitivity_ranges(sensitivity, int(annual["year"].max()))
    by_group = pd.read_csv(snakemake.input.by_group)
    events = read_table(snakemake.input.events, snakemake.input.events_schema)
    marked = events[events["event_id"].isin(snakemake.params.events_marked)]
    with open(snakemake.input.labels, encoding="utf-8") as handle:
        labels = yaml.safe_load(handle)
    out = snakemake.output
    for i, lang in enumerate(snakemake.params.languages):
        text = labels[lang]
        lines = plot_indices(annual, marked.assign(label=marked[f"label_{lang}"]), text, lang)
        save_figure(lines, out.indices_svg[i], out.indices_png[i])
        groups = [g for g in text["groups"] if g in set(by_group["group"])]
        heatmap = plot_alignment_heatmap(
            by_group, {g: text["groups"][g] for g in groups}, text, lang
        )
        save_figure(heatmap, out.heatmap_svg[i], out.heatmap_png[i])
        write_text(indices_table(rows, variants, text, lang), out.table[i])


run_job(snakemake, main)
