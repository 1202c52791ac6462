"""Figure: refugees and asylum-seekers hosted by Türkiye by origin, one file set per language."""

import pandas as pd
import yaml

from analysis.descriptives import OTHER
from analysis.figures import plot_hosted_by_origin, save_figure
from analysis.io import read_processed
from analysis.jobs import run_job
from analysis.localise import country_name

snakemake = snakemake  # noqa: F821 (injected by Snakemake)


def main() -> None:
    grouped = pd.read_csv(snakemake.input.table)
    countries = read_processed(snakemake.input.countries, "countrynames").set_index("iso3")
    with open(snakemake.input.labels, encoding="utf-8") as handle:
        labels = yaml.safe_load(handle)
    release = snakemake.params.release
    origins = list(dict.fromkeys(grouped["origin"]))  # the table's order: largest first
    for lang, svg, png in zip(
        snakemake.params.languages, snakemake.output.svg, snakemake.output.png, strict=True
    ):
        text = labels[lang]
        names = {
            code: text["other_origins"]
            if code == OTHER
            else country_name(countries.at[code, "iso2"], lang, countries.at[code, "name"])
            for code in origins
        }
        figure = plot_hosted_by_origin(
            grouped, names, text, lang, text["source_unhcr"].format(release=release)
        )
        save_figure(figure, svg, png)


run_job(snakemake, main)
