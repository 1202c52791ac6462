"""EU–Türkiye asylum regime: a reproducible bilingual paper.

`snakemake --cores all` rebuilds everything that is out of date: pinned sources
→ tidy tables → results → figures and tables → the paper in every configured
language as PDF, HTML and DOCX (manuscript/build/<lang>/paper.<ext>).

The paper's own stages are in workflow/rules/; the manuscript machinery (drawing
the registered figures and tables, claims, parity, rendering, provenance) is the
`paperkit` package's, configured by PAPER.
"""

from snakemake.utils import min_version, validate

from paperkit.paper import Paper

min_version("9.0")


configfile: "config/config.yaml"


validate(config, "workflow/schemas/config.schema.yaml")

PAPER = Paper.load(config, workflow.basedir)


include: PAPER.rules("common.smk")
include: "workflow/rules/common.smk"
include: "workflow/rules/acquire.smk"
include: "workflow/rules/tidy.smk"
include: "workflow/rules/descriptives.smk"
include: "workflow/rules/indices.smk"
include: "workflow/rules/coding.smk"
include: "workflow/rules/models.smk"
include: "workflow/rules/multiverse.smk"
include: PAPER.rules("drawing.smk")
include: PAPER.rules("checks.smk")
include: PAPER.rules("manuscript.smk")
include: PAPER.rules("deliverables.smk")
include: PAPER.rules("provenance.smk")


# Acquisition needs the network (or the mirror) and little else: it runs where
# Snakemake runs, also when jobs go to a cluster.
localrules:
    all,
    acquire_source,
    source_numbers,
    dataset_citations,


rule all:
    default_target: True
    input:
        # Every pinned source is fetched and verified, including those no result reads yet.
        expand("data/raw/sources/{source}.{ext}", source=SOURCES, ext=["rda", "provenance.json"]),
        expand("data/processed/{dataset}.csv", dataset=TIDY_DATASETS),
        "results/checks/parity.json",
        "results/snapshot.json",
        PAPER.documents(),
