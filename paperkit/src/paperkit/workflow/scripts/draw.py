"""One drawing job of the registry: read its inputs once, then draw each of its figures
and tables in every language (the functions are named in workflow/registry.yaml)."""

import os
import sys
from pathlib import Path

import yaml

from paperkit.atomic import write_json, write_text
from paperkit.colours import legend_colours
from paperkit.figures import save_figure, shaped_in
from paperkit.jobs import run_job
from paperkit.languages import languages_from_config
from paperkit.registry import EntryData, load_callable

snakemake = snakemake  # noqa: F821 (injected by Snakemake)

# The registry's functions may live in the paper's own modules, in its root (the job's
# folder), as in a paper `paperkit new` wrote, which installs nothing of its own.
# Appended: an installed package of the same name comes first.
if os.getcwd() not in sys.path:
    sys.path.append(os.getcwd())


def main() -> None:
    config = snakemake.config
    # The job's registry entries, as its rule's params have them (an edit reruns the job).
    entries = snakemake.params.registry
    job = snakemake.params.job
    prepare = entries["job"]["prepare"]
    inputs = {name: snakemake.input[name] for name in entries["job"]["inputs"]}
    data = load_callable(prepare)(inputs, snakemake.params.job_params)
    labels = yaml.safe_load(Path(snakemake.input.labels).read_text(encoding="utf-8"))
    style = entries.get("figure_style")
    rc = load_callable(style["rc"]) if style else None

    def data_for(where: str, reference: str) -> EntryData:
        return EntryData(
            data,
            registry=snakemake.params.registry_file,
            where=where,
            reference=reference,
            job=job,
            prepare=prepare,
        )

    out = snakemake.output
    # figure → language → category → the colour it is shown in (the figure-colour check)
    colours: dict[str, dict[str, dict[str, str]]] = {}
    for code, language in languages_from_config(config["languages"]).items():
        for name in snakemake.params.figures:
            reference = entries["figures"][name]["draw"]
            draw = load_callable(reference)
            with shaped_in(language):
                figure = draw(data_for(f"figures.{name}.draw", reference), labels[code], language)
                colours.setdefault(name, {})[code] = legend_colours(figure)
                save_figure(
                    figure,
                    out[f"{name}_{code}_svg"],
                    out[f"{name}_{code}_png"],
                    rc,
                    style["png_dpi"],
                )
        for name in snakemake.params.tables:
            reference = entries["tables"][name]["build"]
            build = load_callable(reference)
            text = build(data_for(f"tables.{name}.build", reference), labels[code], language)
            write_text(text, out[f"table_{name}_{code}"])
    if snakemake.params.figures:
        write_json(colours, out["colours"])


run_job(snakemake, main)
