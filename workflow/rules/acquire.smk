# Stage 1: acquire the pinned statistical sources (local store, mirror or URL), checksum-verified.
from asylum_regime.releases import source_periods

SOURCE_FOLDER = "data/raw/sources"
SOURCES = sorted(config["sources"])
# When each source's latest figures stand (period, as_of), checked when the workflow
# starts: a UNHCR pin must agree with its release's version, so that mid-year figures
# are never written as end-of-year ones.
SOURCE_PERIODS = source_periods(config["sources"])
# What a source's period says is the text's business, not the file's: declaring or
# changing it fetches nothing again.
PERIOD_KEYS = ("period", "as_of")


rule set_aside_source:
    output:
        # `update`: a copy set aside earlier is never removed by Snakemake before the job
        # (which then moves nothing, see paperkit.acquire.set_aside)
        rejected=update(f"{SOURCE_FOLDER}/rejected/{{source}}.{{digest}}.rda"),
    log:
        "logs/acquire/set_aside_{source}.{digest}.log",
    wildcard_constraints:
        source="|".join(SOURCES),
        digest="[0-9a-f]{12}(-[0-9]+)?",
    priority: 30
    conda:
        "../../environment.yml"
    # No params: the job reads the pin from the config when it runs, so that nothing
    # about a pin (its period, say) runs it again; run again, it moves nothing.
    script:
        "../scripts/set_aside.py"


rule acquire_source:
    input:
        # the stored copy set aside first, when it does not match its pin
        unpinned=lambda wildcards: unpinned_copy(wildcards.source),
        code=code_of("../scripts/acquire.py"),
    output:
        # The pin is also Snakemake's own contract on the output: after the job, Snakemake
        # hashes the file again and fails the job (removing it) when it differs, a second
        # check that does not rest on paperkit.acquire's.
        data=ensure(
            f"{SOURCE_FOLDER}/{{source}}.rda",
            sha256=lambda wildcards: config["sources"][wildcards.source]["sha256"],
        ),
        provenance=f"{SOURCE_FOLDER}/{{source}}.provenance.json",
    log:
        "logs/acquire/{source}.log",
    wildcard_constraints:
        source="|".join(SOURCES),
    # Short, and every model waits for its data: before anything else.
    priority: 30
    conda:
        "../../environment.yml"
    params:
        # The pin is a parameter, so moving it (a data update) reruns the job.
        pin=lambda wildcards: {
            key: value
            for key, value in config["sources"][wildcards.source].items()
            if key not in PERIOD_KEYS
        },
        store=f"{SOURCE_FOLDER}/.store",
    script:
        "../scripts/acquire.py"


rule source_numbers:
    input:
        provenance=expand("data/raw/sources/{source}.provenance.json", source=SOURCES),
        code=code_of("../scripts/source_numbers.py"),
    output:
        numbers="results/numbers/sources.json",
    log:
        "logs/acquire/source_numbers.log",
    conda:
        "../../environment.yml"
    params:
        releases={name: entry["release"] for name, entry in config["sources"].items()},
    script:
        "../scripts/source_numbers.py"


rule dataset_citations:
    # The reference-list entries of the data, from the pins (analysis/citations.py).
    input:
        code=code_of("../scripts/dataset_citations.py"),
    output:
        bibliography="results/bibliography/datasets.bib",
    log:
        "logs/acquire/dataset_citations.log",
    conda:
        "../../environment.yml"
    params:
        datasets=config["datasets"],
        sources=config["sources"],
    script:
        "../scripts/dataset_citations.py"
