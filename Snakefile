"""EU–Türkiye asylum regime: a reproducible bilingual paper.

`snakemake --cores all` rebuilds everything that is out of date: pinned sources
→ tidy tables → results → figures and tables → the paper in every configured
language as PDF, HTML and DOCX (manuscript/build/<lang>/paper.<ext>).

The paper's own stages are in workflow/rules/; the manuscript machinery (drawing
the registered figures and tables, claims, parity, rendering, provenance) is the
`paperkit` package's, configured by PAPER.
"""

from snakemake.utils import min_version

from paperkit.inputs import check_config
from paperkit.paper import Paper
from paperkit.snakefile import every_output

min_version("9.0")


configfile: "config/config.yaml"


# One line per problem, at the key's line, with the fix (not Snakemake's dump of the schema).
check_config(
    config, f"{workflow.basedir}/workflow/schemas/config.schema.yaml", workflow.configfiles
)

# The coded data and its schemas join the manuscript's files among the inputs that must
# lie inside the repository (paperkit.inputs.check_authored, called by common.smk).
PAPER = Paper.load(
    config, workflow.basedir, authored=["data/raw/legal", "data/raw/policy", "workflow/schemas"]
)


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
    set_aside_source,
    source_numbers,
    dataset_citations,


rule all:
    default_target: True
    input:
        # Every file the build makes, not only the documents: Snakemake makes a missing
        # file again only when it is a target or an out-of-date job reads it, so a file a
        # failed run took away could stay missing after a run that exits 0.
        every_output(
            workflow.rules,
            {
                **MACHINERY_JOBS,
                # Every pinned source is fetched and verified, including those no result
                # reads yet.
                "acquire_source": [{"source": source} for source in SOURCES],
                "tidy_source": [{"dataset": dataset} for dataset in TIDY_DATASETS],
                "multiverse_batch": [
                    {"family": family, "batch": batch}
                    for family, batches in MULTIVERSE_BATCHES.items()
                    for batch in range(len(batches))
                ],
                "multiverse_gather": [{"family": family} for family in FAMILIES],
            },
            # set_aside_source: made when a stored copy differs from its pin (below)
            on_demand=[*ON_DEMAND_RULES, "set_aside_source"],
        ),
        # A stored source that differs from its pin is set aside first (unpinned_copy).
        unpinned=lambda wildcards: [path for name in SOURCES for path in unpinned_copy(name)],
