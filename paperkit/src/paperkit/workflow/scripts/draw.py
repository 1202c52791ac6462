"""One drawing job of the registry: read its inputs once, then draw each of its figures
and tables in every language (the functions are named in workflow/registry.yaml)."""

from pathlib import Path

import yaml

from paperkit.atomic import write_text
from paperkit.figures import save_figure
from paperkit.jobs import run_job
from paperkit.languages import languages_from_config
from paperkit.registry import Registry, load_callable

snakemake = snakemake  # noqa: F821 (injected by Snakemake)


def main() -> None:
    config = snakemake.config
    registry = Registry.load(config["manuscript"]["registry"])
    job = snakemake.params.job
    inputs = {name: snakemake.input[name] for name in registry.jobs[job]["inputs"]}
    data = load_callable(registry.jobs[job]["prepare"])(inputs, snakemake.params.job_params)
    labels = yaml.safe_load(Path(snakemake.input.labels).read_text(encoding="utf-8"))
    style = load_callable(registry.figure_style["rc"])
    out = snakemake.output
    for code, language in languages_from_config(config["languages"]).items():
        for name in snakemake.params.figures:
            figure = load_callable(registry.figures[name]["draw"])(data, labels[code], language)
            save_figure(
                figure,
                out[f"{name}_{code}_svg"],
                out[f"{name}_{code}_png"],
                style,
                registry.figure_style["png_dpi"],
            )
        for name in snakemake.params.tables:
            text = load_callable(registry.tables[name]["build"])(data, labels[code], language)
            write_text(text, out[f"table_{name}_{code}"])


run_job(snakemake, main)
