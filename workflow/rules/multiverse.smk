# Stage 4b: the specification multiverse. Every combination of the choice dimensions
# of a model family (config `multiverse`) is one specification; the batches of a
# family are fitted in parallel jobs (each pays the import cost of one process) and
# gathered into one results table per family with the robust ranges the text quotes.
rule multiverse_batch:
    input:
        unpack(multiverse_inputs),
        code=code_of("../scripts/multiverse_batch.py"),
    output:
        table="results/multiverse/{family}/batch-{batch}.csv",
    log:
        "logs/multiverse/{family}-{batch}.log",
    benchmark:
        "benchmarks/out/multiverse_{family}_{batch}.tsv"
    wildcard_constraints:
        family="|".join(FAMILIES),
        batch=r"\d+",
    # First in the longest chain of the build (batches, gathering, the specification
    # curves, the documents): started as soon as the data are.
    priority: 10
    conda:
        "../../environment.yml"
    threads: 1
    resources:
        mem_mb=1500,
        runtime=30,
    params:
        # The specifications of the batch and the settings they share: a change to
        # either reruns it.
        specifications=lambda wildcards: [
            spec.ident for spec in MULTIVERSE_BATCHES[wildcards.family][int(wildcards.batch)]
        ],
        settings=lambda wildcards: (
            config["indices"]
            if wildcards.family == "indices"
            else config["models"][wildcards.family]
        ),
        coded_tables=list(CODED_TABLES),
    script:
        "../scripts/multiverse_batch.py"


rule multiverse_gather:
    input:
        batches=lambda wildcards: expand(
            "results/multiverse/{family}/batch-{batch}.csv",
            family=wildcards.family,
            batch=range(len(MULTIVERSE_BATCHES[wildcards.family])),
        ),
        code=code_of("../scripts/multiverse_gather.py"),
    output:
        table="results/multiverse/{family}.csv",
        numbers="results/numbers/multiverse_{family}.json",
    log:
        "logs/multiverse/{family}.log",
    wildcard_constraints:
        family="|".join(FAMILIES),
    # The batches' chain on to the specification curves, which close the build.
    priority: 10
    conda:
        "../../environment.yml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    params:
        main=lambda wildcards: MULTIVERSE_MAIN[wildcards.family].ident,
    script:
        "../scripts/multiverse_gather.py"
