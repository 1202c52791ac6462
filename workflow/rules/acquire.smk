# Stage 1: acquire the pinned statistical sources (mirror or URL), checksum-verified.


rule acquire_source:
    # update(): Snakemake must not delete a verified source before the job runs; the
    # job replaces it atomically or, on failure, leaves it as it was (see the profile).
    input:
        code=code("acquire"),
    output:
        data=update("data/raw/sources/{source}.rda"),
        provenance=update("data/raw/sources/{source}.provenance.json"),
    params:
        # The pin is a parameter, so moving it (a data update) reruns the job.
        pin=lambda wildcards: config["sources"][wildcards.source],
    wildcard_constraints:
        source="|".join(SOURCES),
    conda:
        "../../environment.yml"
    log:
        "logs/acquire/{source}.log",
    script:
        "../scripts/acquire.py"


rule source_numbers:
    input:
        provenance=expand("data/raw/sources/{source}.provenance.json", source=SOURCES),
        code=code(),
    output:
        numbers="results/numbers/sources.json",
    params:
        releases={name: entry["release"] for name, entry in config["sources"].items()},
    conda:
        "../../environment.yml"
    log:
        "logs/acquire/source_numbers.log",
    script:
        "../scripts/source_numbers.py"
