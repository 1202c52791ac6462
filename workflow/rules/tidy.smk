# Stage 2: validate each source against its schema and write a tidy, typed table.

TIDY_DATASETS = ["unhcr_population", "frontex", "eu_asyapp", "countrynames"]


rule tidy_source:
    input:
        data="data/raw/sources/{dataset}.rda",
        # a stored copy that differs from its pin is set aside and acquired again first
        unpinned=lambda wildcards: unpinned_copy(wildcards.dataset),
        schema="workflow/schemas/tables/{dataset}.yaml",
        codebook="workflow/schemas/tables/processed.yaml",
        code=code_of("../scripts/tidy.py"),
    output:
        table="data/processed/{dataset}.csv",
    log:
        "logs/tidy/{dataset}.log",
    wildcard_constraints:
        dataset="|".join(TIDY_DATASETS),
    # A few seconds each, and every model waits for its data: before anything else.
    priority: 30
    conda:
        "../../environment.yml"
    threads: 1
    resources:
        mem_mb=1500,
        runtime=10,
    script:
        "../scripts/tidy.py"
