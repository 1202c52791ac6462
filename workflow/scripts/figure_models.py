"""Figures of the models: ITS counterfactual, event study, Statement IRR across specifications."""

import pandas as pd
import yaml

from analysis.atomic import read_json
from analysis.figures import (
    plot_event_study,
    plot_its_counterfactual,
    plot_specifications,
    save_figure,
)
from analysis.jobs import run_job
from analysis.models import month_start

snakemake = snakemake  # noqa: F821 (injected by Snakemake)


def main() -> None:
    paths = pd.read_csv(snakemake.input.its_paths, parse_dates=["month"])
    its, did = read_json(snakemake.input.its), read_json(snakemake.input.did)
    with open(snakemake.input.labels, encoding="utf-8") as handle:
        labels = yaml.safe_load(handle)
    event_study = pd.DataFrame(did["event_study"])
    specifications = pd.DataFrame(its["specifications"])
    placebo = pd.DataFrame(its["placebo"]["breaks"])
    release = snakemake.params.release
    out = snakemake.output
    for i, lang in enumerate(snakemake.params.languages):
        text = labels[lang]
        figures = {
            "its": plot_its_counterfactual(
                paths,
                month_start(its["specification"]["break_month"]),
                text,
                lang,
                text["source_frontex"].format(release=release["frontex"]),
            ),
            "event": plot_event_study(
                event_study,
                did["specification"]["reference_year"],
                text,
                lang,
                text["source_eurostat"].format(release=release["eu_asyapp"]),
            ),
            "specifications": plot_specifications(
                specifications,
                placebo,
                text["specifications"],
                text["tables"]["estimators"],
                text,
                lang,
            ),
        }
        for name, figure in figures.items():
            save_figure(figure, out[f"{name}_svg"][i], out[f"{name}_png"][i])


run_job(snakemake, main)
