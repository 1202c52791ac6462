# Stage 2: validate each source against its schema and write a tidy, typed table.

TIDY_DATASETS = ["unhcr_population", "frontex", "eu_asyapp", "countrynames"]


rule tidy_source:
    input:
        data="data/raw/sources/{dataset}.rda",
        schema="workflow/schemas/tables/{dataset}.yaml",
        codebook="workflow/schemas/tables/processed.yaml",
        code=code("io", "tidy", "validate"),
    output:
        table="data/processed/{dataset}.csv",
    wildcard_constraints:
        dataset="|".join(TIDY_DATASETS),
    conda:
        "../../environment.yml"
    log:
        "logs/tidy/{dataset}.log",
    script:
        "../scripts/tidy.py"
