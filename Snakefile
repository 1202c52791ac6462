"""EU–Türkiye asylum regime: a reproducible bilingual paper.

`snakemake --cores all` rebuilds everything that is out of date: pinned sources
→ tidy tables → results → figures → the paper in English and Turkish as PDF,
HTML and DOCX (manuscript/build/<lang>/paper.<ext>).
"""

from snakemake.utils import min_version, validate

min_version("9.0")


configfile: "config/config.yaml"


validate(config, "workflow/schemas/config.schema.yaml")


include: "workflow/rules/common.smk"
include: "workflow/rules/acquire.smk"
include: "workflow/rules/tidy.smk"
include: "workflow/rules/descriptives.smk"
include: "workflow/rules/indices.smk"
include: "workflow/rules/models.smk"
include: "workflow/rules/manuscript.smk"
include: "workflow/rules/checks.smk"
include: "workflow/rules/provenance.smk"


rule all:
    input:
        # Every pinned source is fetched and verified, including those no result reads yet.
        expand("data/raw/sources/{source}.{ext}", source=SOURCES, ext=["rda", "provenance.json"]),
        expand("data/processed/{dataset}.csv", dataset=TIDY_DATASETS),
        "results/checks/parity.json",
        "results/snapshot.json",
        expand(
            "manuscript/build/{lang}/paper.{ext}",
            lang=LANGUAGES,
            ext=DOCUMENT_FORMATS,
        ),
    default_target: True
